"""The wheel's packages; everything else about the project is in pyproject.toml.

`resources/` (the sample data and the icons) sits beside `ml/` in the
repository and travels inside the package as `ml/_resources/` in a wheel
(ml.resources finds it there). A package mapped from another folder is the
one thing pyproject's package discovery cannot say, hence this file.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["app*", "ml*"]), "ml._resources"],
    package_dir={"ml._resources": "resources"},
    include_package_data=False,
    package_data={
        "ml._resources": ["sample/*.csv.gz", "sample/README.md", "icons/*"],
    },
)
