"""Validates every vector file against its JSON Schema (draft 2020-12) and checks the manifest.

Usage: check_schemas.py VECTORS_DIR
Fails (exit 1) on any schema violation, a manifest count or SHA-256 that does not match its file,
or a data file the manifest does not list.
"""
import hashlib
import json
import pathlib
import sys

import jsonschema


def main(directory: pathlib.Path) -> int:
    schema_dir = directory / "schema"
    schemas = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[schema["$id"]] = schema
        schemas[path.name] = schema
    store = {key: value for key, value in schemas.items() if key.startswith("https://")}

    def validator(name: str) -> jsonschema.Draft202012Validator:
        schema = schemas[name]
        resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
        return jsonschema.Draft202012Validator(schema, resolver=resolver)

    failures = 0
    manifest = json.loads((directory / "manifest.json").read_text())
    for error in validator("manifest.schema.json").iter_errors(manifest):
        print(f"manifest.json: {error.message}")
        failures += 1

    records = 0
    for name, entry in manifest["files"].items():
        path = directory / name
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != entry["sha256"]:
            print(f"{name}: SHA-256 differs from the manifest")
            failures += 1
        lines = content.decode("utf-8").splitlines()
        if len(lines) != entry["records"]:
            print(f"{name}: {len(lines)} records, the manifest says {entry['records']}")
            failures += 1
        check = validator(pathlib.Path(entry["schema"]).name)
        for number, line in enumerate(lines, 1):
            for error in check.iter_errors(json.loads(line)):
                print(f"{name}:{number}: {error.message}")
                failures += 1
        records += len(lines)

    for name, entry in (manifest["documents"] | manifest["fuzz"]).items():
        content = (directory / name).read_bytes()
        if hashlib.sha256(content).hexdigest() != entry["sha256"]:
            print(f"{name}: its SHA-256 is not the manifest's")
            failures += 1

    # Every file of the set, in any folder, is listed (but the manifest itself).
    listed = set(manifest["files"]) | set(manifest["documents"]) | set(manifest["fuzz"])
    listed |= {"manifest.json"}
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and name not in listed:
            print(f"{name}: not listed in manifest.json")
            failures += 1

    print(f"{records} records in {len(manifest['files'])} files checked against their schemas")
    print(f"{records - min(failures, records)} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1])))
