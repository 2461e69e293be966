"""A stand-in benchmark piece for `test_benchserver`: a table, then its JSON line."""

import sys

if "--fail" in sys.argv:
    print("half a table")
    raise SystemExit("the piece broke")
print("figure  value")
print("answer     42")
print('{"answer": 42}')
