"""`python bench/queue.py`: the counter-queue benchmark (its code is in bench/queue_bench.py).

The issue names this file. A file called queue.py in a folder that comes first on sys.path
shadows the standard library's `queue` for every script there, so when something imports
`queue` and finds this file, it hands over the real module; run as a script, it starts the
benchmark.
"""

import sys

if __name__ == "__main__":
    from pathlib import Path

    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if p != here] + [here]
    import queue_bench

    sys.exit(queue_bench.main())
else:
    import importlib.util
    import os
    import sysconfig

    _spec = importlib.util.spec_from_file_location(
        "queue", os.path.join(sysconfig.get_path("stdlib"), "queue.py")
    )
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["queue"] = _module
    _spec.loader.exec_module(_module)
