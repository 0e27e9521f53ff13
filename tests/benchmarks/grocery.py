"""Grocery-shaped order histories made from the real Online Retail baskets.

A grocery chain's year looks unlike a gift shop's: a few thousand households
shopping almost every week, tens of thousands of products, staples bought
again and again. No such dataset is public with a licence we can use, so the
scale benchmark builds one from the real baskets in ../shared/data:

- Kept real: every basket is a real invoice (its products, quantities, unit
  prices, weekday and time of day); each household replays the invoices of
  one real customer (its "seed"), so what it rebuys, and how its baskets mix
  products, are that customer's; the explore baskets come from two real
  customers of the seed's country; categories are the last word of the real
  product description ("... T-LIGHT HOLDER" -> "HOLDER"), about 300 of them.
- Not real: the weekly rhythm (a household shops in a week with a
  probability between 0.6 and 1, drawn per household), the share of a
  basket's lines it keeps (one share for the whole history, chosen to hit
  the target line count), and the product variants: each real product is
  split into variants (as a grocer sells one yoghurt in many sizes and
  flavours); a household keeps to one variant of a product, chosen at random
  with the more common variants likelier, and a variant's price is the real
  price times 0.8 to 1.25.

Households, variants and lines grow with the scale factor, so 1x is about
1.5 M lines, 2,500 households and 70,000 products and 10x about 15 M lines,
25,000 households and 100,000 products. The same seed gives the same file.

    .venv/bin/python tests/benchmarks/grocery.py --scale 1 --out grocery-1x.csv
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "data" / "online-retail" / "online_retail.csv.gz"
START = pd.Timestamp("2023-01-02")  # a Monday
WEEKS = 52
LINES_PER_HOUSEHOLD = 600  # 1.5 M lines / 2,500 households
# Products at 1x and at 10x; in between and beyond, log-linear in the scale.
PRODUCTS_1X, PRODUCTS_10X = 70_000, 100_000
HOUSEHOLDS_1X = 2_500
# A household's own (seed) invoices are drawn this many times as often as
# each of its explore invoices.
SEED_WEIGHT = 3.0
EXPLORE_CUSTOMERS = 2
HEADER = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Category",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Baskets:
    """The real invoices of identified customers, one line per row, grouped.

    lines: product (code), quantity, price, offset (seconds from Monday 00:00
    of the invoice's week), sorted by invoice; starts/sizes: each invoice's
    line range; customer_invoices: CSR (indptr, invoice ids) per customer;
    country: each customer's country code.
    """

    product: Ints
    quantity: Ints
    price: npt.NDArray[np.float64]
    offset: Ints
    starts: Ints
    sizes: Ints
    indptr: Ints
    invoices: Ints
    country: Ints
    codes: pd.Index
    names: npt.NDArray[np.object_]
    categories: npt.NDArray[np.object_]
    countries: pd.Index


def real_baskets(source: Path = SOURCE) -> Baskets:
    """Purchase lines of identified customers and real products, by invoice."""
    raw = pd.read_csv(
        source,
        dtype={"InvoiceNo": str, "StockCode": str, "Description": str},
        parse_dates=["InvoiceDate"],
    )
    keep = (
        (raw["Quantity"] > 0)
        & (raw["UnitPrice"] > 0)
        & raw["CustomerID"].notna()
        & ~raw["InvoiceNo"].str.startswith(("C", "A"))
        # Real products have a numeric code; POST, DOT, M and the like do not.
        & raw["StockCode"].str[0].str.isdigit()
    )
    lines = raw.loc[keep].copy()
    lines["StockCode"] = lines["StockCode"].str.upper()
    lines = lines.sort_values(["InvoiceNo", "StockCode"], kind="stable")
    product, codes = pd.factorize(lines["StockCode"], sort=True)
    names = lines.groupby(product)["Description"].agg(
        lambda s: s.dropna().mode().iat[0] if s.notna().any() else "ITEM"
    )
    categories = _categories(names.str.strip())
    invoice, _ = pd.factorize(lines["InvoiceNo"])
    starts = np.flatnonzero(np.r_[True, invoice[1:] != invoice[:-1]])
    sizes = np.diff(np.r_[starts, len(invoice)])
    when = lines["InvoiceDate"]
    monday = when.dt.normalize() - pd.to_timedelta(when.dt.day_of_week, unit="D")
    offset = ((when - monday).dt.total_seconds()).to_numpy(dtype=np.int64)
    first = lines.iloc[starts]
    customer, _ = pd.factorize(first["CustomerID"], sort=True)
    country, countries = pd.factorize(
        first.groupby(customer)["Country"].first().sort_index()
    )
    order = np.argsort(customer, kind="stable")
    indptr = np.r_[0, np.cumsum(np.bincount(customer))]
    return Baskets(
        product=product.astype(np.int64),
        quantity=lines["Quantity"].to_numpy(dtype=np.int64),
        price=lines["UnitPrice"].to_numpy(dtype=np.float64),
        offset=offset,
        starts=starts.astype(np.int64),
        sizes=sizes.astype(np.int64),
        indptr=indptr.astype(np.int64),
        invoices=order.astype(np.int64),
        country=country.astype(np.int64),
        codes=pd.Index(codes),
        names=names.to_numpy(dtype=object),
        categories=categories,
        countries=pd.Index(countries),
    )


def _categories(names: pd.Series, minimum: int = 4) -> npt.NDArray[np.object_]:
    """The last word of each description; words naming fewer than `minimum`
    products become OTHER."""
    last = names.str.upper().str.split().str[-1].fillna("OTHER")
    last = last.str.strip(".,()/")
    counts = last.map(last.value_counts())
    return np.where(counts >= minimum, last, "OTHER").astype(object)


def scaled_sizes(scale: float) -> tuple[int, int, int]:
    """Households, target product count and target lines at a scale factor."""
    households = round(HOUSEHOLDS_1X * scale)
    ratio = np.log10(max(scale, 1e-9))
    products = round(PRODUCTS_1X * (PRODUCTS_10X / PRODUCTS_1X) ** ratio)
    return households, products, households * LINES_PER_HOUSEHOLD


def grocery_history(
    scale: float = 1.0, seed: int = 0, baskets: Baskets | None = None
) -> pd.DataFrame:
    """A year of weekly grocery-shaped baskets (see the module docstring)."""
    real = real_baskets() if baskets is None else baskets
    rng = np.random.default_rng(seed)
    n_households, n_products, n_lines = scaled_sizes(scale)
    n_customers = len(real.indptr) - 1
    seeds = rng.permutation(np.resize(rng.permutation(n_customers), n_households))
    by_country = pd.Series(np.arange(n_customers)).groupby(real.country).agg(list)
    invoice_of: list[Ints] = []
    household_of: list[Ints] = []
    week_of: list[Ints] = []
    shop_share = rng.uniform(0.6, 1.0, n_households)
    for h, customer in enumerate(seeds):
        mates = by_country[real.country[customer]]
        explore = rng.choice(mates, EXPLORE_CUSTOMERS)
        own = _invoices_of(real, customer)
        other = np.concatenate([_invoices_of(real, c) for c in explore])
        pool = np.concatenate([own, other])
        weight = np.r_[np.full(len(own), SEED_WEIGHT), np.ones(len(other))]
        weeks = np.flatnonzero(rng.random(WEEKS) < shop_share[h])
        chosen = rng.choice(pool, len(weeks), p=weight / weight.sum())
        invoice_of.append(chosen)
        household_of.append(np.full(len(weeks), h))
        week_of.append(weeks)
    invoice = np.concatenate(invoice_of)
    household = np.concatenate(household_of)
    week = np.concatenate(week_of)
    sizes = real.sizes[invoice]
    keep_share = min(1.0, n_lines / sizes.sum())
    line = np.repeat(real.starts[invoice], sizes) + _ranges(sizes)
    basket = np.repeat(np.arange(len(invoice)), sizes)
    kept = rng.random(len(line)) < keep_share
    line, basket = line[kept], basket[kept]
    product = real.product[line]
    h = household[basket]
    variants = _variants_for(real, product, h, n_products, rng)
    variant = _variant_choice(product, h, variants, seed)
    factor = 0.8 + 0.45 * ((variant * 7919 + product * 104729) % 1000) / 999
    when = (
        START
        + pd.to_timedelta(week[basket] * 7, unit="D")
        + pd.to_timedelta(real.offset[line], unit="s")
    )
    return pd.DataFrame(
        {
            "InvoiceNo": pd.Series(h).map("{:06d}".format).to_numpy(object)
            + "-"
            + pd.Series(week[basket]).map("{:02d}".format).to_numpy(object),
            "StockCode": real.codes.to_numpy(object)[product]
            + "-"
            + pd.Series(variant).map("{:02d}".format).to_numpy(object),
            "Description": real.names[product]
            + " #"
            + pd.Series(variant + 1).astype(str).to_numpy(object),
            "Category": real.categories[product],
            "Quantity": real.quantity[line],
            "InvoiceDate": when,
            "UnitPrice": np.round(real.price[line] * factor, 2),
            "CustomerID": pd.Series(h + 100_001).astype(str).to_numpy(object),
            "Country": real.countries.to_numpy(object)[real.country[seeds[h]]],
        }
    ).sort_values(["InvoiceDate", "InvoiceNo"], kind="stable", ignore_index=True)


def _invoices_of(real: Baskets, customer: int) -> Ints:
    return real.invoices[real.indptr[customer] : real.indptr[customer + 1]]


def _ranges(sizes: Ints) -> Ints:
    """0..n-1 for each n in sizes, concatenated."""
    ends = np.cumsum(sizes)
    return np.arange(ends[-1]) - np.repeat(ends - sizes, sizes)


def _variants_for(
    real: Baskets,
    product: Ints,
    household: Ints,
    target: int,
    rng: np.random.Generator,
) -> Ints:
    """Variants per real product, in proportion to its households (at least
    one), so that about `target` variants are bought in all."""
    pairs = np.unique(product * (household.max() + 1) + household)
    buyers = np.bincount(pairs // (household.max() + 1), minlength=len(real.codes))
    low, high = 0.0, float(target)
    for _ in range(40):  # bisection on the variants per buyer
        per_buyer = (low + high) / 2
        variants = np.maximum(1, np.round(buyers * per_buyer)).astype(np.int64)
        # With v variants and b buyers each choosing one, about
        # v * (1 - (1 - 1/v) ** b) of them are bought (uniform approximation).
        bought = variants * (1 - (1 - 1 / variants) ** buyers)
        if bought[buyers > 0].sum() < target:
            low = per_buyer
        else:
            high = per_buyer
    return np.maximum(1, np.round(buyers * high)).astype(np.int64)


def _variant_choice(product: Ints, household: Ints, variants: Ints, seed: int) -> Ints:
    """The one variant a household buys of a product: a hash of the pair, so
    the household keeps to it; skewed so that lower variants are commoner."""
    key = (product * 1_000_003 + household * 7_777_777 + seed * 97) % (2**31 - 1)
    uniform = ((key * 48271) % (2**31 - 1)) / (2**31 - 1)
    return np.minimum(
        (uniform**1.5 * variants[product]).astype(np.int64), variants[product] - 1
    )


def write_history(frame: pd.DataFrame, path: Path) -> None:
    """Write the history as a CSV with the Online Retail headers (and Category)."""
    table = pa.Table.from_pandas(frame[HEADER], preserve_index=False)
    pacsv.write_csv(table, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    frame = grocery_history(args.scale, args.seed)
    write_history(frame, args.out)
    print(
        f"{len(frame):,} lines, {frame['CustomerID'].nunique():,} households, "
        f"{frame['StockCode'].nunique():,} products, "
        f"{frame['Category'].nunique():,} categories -> {args.out}"
    )


if __name__ == "__main__":
    main()
