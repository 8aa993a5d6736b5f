#!/usr/bin/env bash
# Takes the README screenshots (docs/screenshots/*.png) from the real binary under Xvfb, with
# generated package photos (ImageMagick + zint) and the fake OpenAI server.
set -euo pipefail
cd "$(dirname "$0")/.."
photos="$(mktemp -d)"
i=0
while IFS='|' read -r name str gtin lot exp bg; do
  i=$((i+1))
  zint -b 71 --gs1 --scale=6 -d "[01]${gtin}[17]${exp}[10]${lot}" -o "$photos/dm$i.png" >/dev/null
  convert -size 1600x1200 "xc:#8a7f70" -fill "$bg" -draw "rotate $((i*3-8)) rectangle 250,200 1350,1000" \
    -fill "#1a3a6b" -font DejaVu-Sans-Bold -pointsize 110 -annotate +$((300+i*4))+420 "$name" \
    -pointsize 64 -fill "#333333" -font DejaVu-Sans -annotate +310+540 "$str" \
    -pointsize 40 -annotate +310+900 "LOT $lot   EXP ${exp:2:2}/20${exp:0:2}" \
    "$photos/dm$i.png" -geometry +1000+560 -composite -attenuate 0.4 +noise Gaussian -quality 88 "$photos/pack$i.jpg"
  rm "$photos/dm$i.png"
done <<'LIST'
PARACETAMOL|500 mg tablets|04006381333931|LP2341|270331|#d9ecff
AMOXICILLIN|250 mg capsules|05000456012348|AX9912|261130|#ffe9d6
METFORMIN|850 mg tablets|08712345678906|MF0042|280531|#e6ffe0
IBUPROFEN|400 mg tablets|04003239002407|IB7731|270930|#fff6c8
ORS|oral salts 20.5 g|06291100820139|OR1102|290131|#f0e0ff
LIST
for n in $(seq 90 140); do [ ! -e "/tmp/.X11-unix/X$n" ] && disp=":$n" && break; done
Xvfb "$disp" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
trap 'kill $xpid 2>/dev/null; rm -rf "$photos"' EXIT
sleep 1
mkdir -p docs/screenshots
DISPLAY="$disp" LANG=en_US.UTF-8 MEDINVENTORY_SCREENSHOTS="$PWD/docs/screenshots" MEDINVENTORY_SCREENSHOT_PHOTOS="$photos" \
  go test -tags ci,migrated_fynedo -count=1 -run TestREADMEScreenshots -v . 
