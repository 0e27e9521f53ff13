#!/bin/sh
# Remove what install.sh put in place. Your projects, settings, logs and the
# model signing key stay where they are (see the README to remove those too).
set -eu

data="${XDG_DATA_HOME:-$HOME/.local/share}"
target="$data/pushwise"
bin="$HOME/.local/bin"

for name in pushwise-gui pushwise; do
    link="$bin/$name"
    if [ -L "$link" ] && [ "$(readlink "$link")" = "$target/$name" ]; then
        rm -f "$link"
    fi
done
rm -f "$data/applications/pushwise.desktop"
for size in 16 24 32 48 64 128 256 512; do
    rm -f "$data/icons/hicolor/${size}x${size}/apps/pushwise.png"
done
rm -f "$data/icons/hicolor/scalable/apps/pushwise.svg"
rm -rf "$target"

if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" || true
fi
echo "Pushwise was removed."
