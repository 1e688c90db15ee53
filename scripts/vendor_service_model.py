#!/usr/bin/env python3
"""Writes fixtures/service/bedrock-runtime.json: Bedrock Runtime's service
model as botocore ships it, without its documentation strings.

    scripts/vendor_service_model.py                  # the installed botocore
    scripts/vendor_service_model.py path/to/botocore-X.whl

The fake validates Converse, ConverseStream and the other JSON operations
against this file; a new API release is a new run of this script.
"""

import gzip
import io
import json
import pathlib
import re
import sys
import zipfile

SERVICE = "bedrock-runtime"
OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "service" / f"{SERVICE}.json"
DROP = {"documentation", "documentationUrl", "deprecatedMessage"}


def from_wheel(path):
    with zipfile.ZipFile(path) as wheel:
        names = [n for n in wheel.namelist() if f"/data/{SERVICE}/" in n and n.endswith("service-2.json.gz")]
        metadata = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        version = re.match(r"botocore-(.+)\.dist-info/", metadata).group(1)
        newest = sorted(names)[-1]
        return json.load(gzip.open(io.BytesIO(wheel.read(newest)))), version


def from_installed():
    import botocore
    import botocore.loaders

    return botocore.loaders.Loader().load_service_model(SERVICE, "service-2"), botocore.__version__


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in DROP}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def main():
    model, version = from_wheel(sys.argv[1]) if len(sys.argv) > 1 else from_installed()
    model = strip(model)
    meta = {"botocore": version, **model["metadata"]}
    lines = ["{", f'"metadata": {json.dumps(meta, sort_keys=True)},', '"operations": {']
    ops = sorted(model["operations"].items())
    lines += [f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}{',' if i < len(ops) - 1 else ''}" for i, (k, v) in enumerate(ops)]
    lines += ["},", '"shapes": {']
    shapes = sorted(model["shapes"].items())
    lines += [f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}{',' if i < len(shapes) - 1 else ''}" for i, (k, v) in enumerate(shapes)]
    lines += ["}", "}"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    json.loads(OUT.read_text())
    print(f"{OUT}: botocore {version}, {len(ops)} operations, {len(shapes)} shapes")


if __name__ == "__main__":
    main()
