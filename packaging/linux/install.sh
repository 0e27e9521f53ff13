#!/bin/sh
# Install Pushwise for the current user, without root: the app folder goes to
# ~/.local/share/pushwise, the menu entry to ~/.local/share/applications, the
# icon into ~/.local/share/icons/hicolor and the commands `pushwise-gui` and
# `pushwise` into ~/.local/bin. Run it again to update; uninstall.sh undoes it.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"
target="$data/pushwise"
bin="$HOME/.local/bin"
icons="$target/_internal/resources/icons"

if [ "$here" != "$target" ]; then
    mkdir -p "$data"
    rm -rf "$target.new"
    cp -R "$here" "$target.new"
    rm -rf "$target"
    mv "$target.new" "$target"
fi

for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
    cp "$icons/pushwise-$size.png" "$data/icons/hicolor/${size}x${size}/apps/pushwise.png"
done
mkdir -p "$data/icons/hicolor/scalable/apps"
cp "$icons/pushwise.svg" "$data/icons/hicolor/scalable/apps/pushwise.svg"

mkdir -p "$data/applications"
sed -e "s|^Exec=.*|Exec=\"$target/pushwise-gui\" %F|" \
    -e "s|^TryExec=.*|TryExec=$target/pushwise-gui|" \
    "$target/pushwise.desktop" > "$data/applications/pushwise.desktop"

mkdir -p "$bin"
ln -sf "$target/pushwise-gui" "$bin/pushwise-gui"
ln -sf "$target/pushwise" "$bin/pushwise"

if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f "$data/icons/hicolor" || true
fi

echo "Pushwise is installed in $target."
echo "Start it from your applications menu, or run: $bin/pushwise-gui"
case ":$PATH:" in
    *":$bin:"*) ;;
    *) echo "Add $bin to your PATH to run pushwise and pushwise-gui by name." ;;
esac
