#!/usr/bin/env bash
# Render a .docx to PDF (LibreOffice headless) and to one PNG per page (pdftoppm), to look at it.
#
#   scripts/render_docx.sh minutes.docx [OUT_DIR] [DPI]
#
# Needs LibreOffice Writer and poppler:  apt-get install -y libreoffice-writer-nogui poppler-utils
# Writes OUT_DIR/<name>.pdf and OUT_DIR/<name>-<page>.png (OUT_DIR defaults to the .docx's folder).
set -euo pipefail

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
docx="$1"
out_dir="${2:-$(dirname "$docx")}"
dpi="${3:-110}"
[[ -f "$docx" ]] || { echo "render_docx: $docx: no such file" >&2; exit 1; }
office="$(command -v soffice || command -v libreoffice || true)"
[[ -n "$office" ]] || { echo "render_docx: LibreOffice is not installed (apt-get install -y libreoffice-writer-nogui)" >&2; exit 1; }
command -v pdftoppm >/dev/null || { echo "render_docx: pdftoppm is not installed (apt-get install -y poppler-utils)" >&2; exit 1; }

mkdir -p "$out_dir"
# A private profile: no clash with a running LibreOffice, no first-start dialogs.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$office" -env:UserInstallation="file://$profile" --headless --norestore \
    --convert-to pdf --outdir "$out_dir" "$docx" >/dev/null
name="$(basename "${docx%.*}")"
pdftoppm -png -r "$dpi" "$out_dir/$name.pdf" "$out_dir/$name"
ls -1 "$out_dir/$name".pdf "$out_dir/$name"-*.png
