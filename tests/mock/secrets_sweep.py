"""After the mock's tests: no file they left (request logs, state databases and their WAL files,
ports, seeds) holds a secret, by dtoken's own scanner.

Usage: secrets_sweep.py PATH/TO/dtoken DIRECTORY
Each file goes through `dtoken scan --profile family -` (standard input, so that binary files
such as SQLite databases are scanned too, not skipped). Seed files, which hold fixture tokens on
purpose, are the only files allowed to. A planted token checks first that the scanner finds
what it must.
"""
import os
import subprocess
import sys


PLANTED = (b'{"level":"info","token":"dt0c01.ST2EY72KQINMH574WMNVI7YN.'
           b'G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"}\n')


def main(dtoken, directory):
    planted = subprocess.run([dtoken, "scan", "--profile", "family", "-"], input=PLANTED,
                             capture_output=True)
    if planted.returncode != 1:
        print("FAIL the scanner misses a planted token")
        return 1
    scanned, seeded, leaks = 0, 0, []
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                content = f.read()
            scan = subprocess.run([dtoken, "scan", "--profile", "family", "-"], input=content,
                                  capture_output=True)
            if scan.returncode not in (0, 1):
                leaks.append(f"{path}: dtoken scan failed: {scan.stderr.decode()[:200]}")
            elif name.startswith("seed"):
                seeded += scan.returncode == 1
            elif scan.returncode == 1:
                leaks.append(f"{path}: {scan.stdout.decode()[:300]}")
            scanned += 1
    for leak in leaks:
        print(f"FAIL secret in {leak}")
    print(f"secrets_sweep: {scanned} files scanned, {seeded} seed files with their fixtures found, "
          f"{len(leaks)} with a secret")
    if scanned == 0:
        print("FAIL nothing to scan: the mock tests left no files")
        return 1
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
