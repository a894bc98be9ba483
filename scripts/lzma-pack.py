# Packs stdin as a raw LZMA1 stream on stdout, with the parameters scripts/unlzma.js
# decodes (lc=3, lp=0, pb=0: best for wasm code, measured over every combination).
import lzma
import sys

FILTER = {"id": lzma.FILTER_LZMA1, "preset": 9 | lzma.PRESET_EXTREME, "lc": 3, "lp": 0, "pb": 0, "nice_len": 273}
sys.stdout.buffer.write(lzma.compress(sys.stdin.buffer.read(), format=lzma.FORMAT_RAW, filters=[FILTER]))
