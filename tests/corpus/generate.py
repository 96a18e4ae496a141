#!/usr/bin/env python3
"""Writes the committed malformed-input corpus (specs/, data/) and its manifests.

Run from anywhere: python3 tests/corpus/generate.py. Deterministic: running it again rewrites
the same bytes. Cases that would be large (a gzip bomb, a million-column CSV, an over-long line)
or that git cannot hold (devices, FIFOs, symbolic links, empty folders, unreadable files) are
made at run time by tests/core/tst_corpus.cpp instead.

specs/cases.tsv: file <TAB> fragment the error must contain (besides the file's path).
data/cases.tsv:  reader <TAB> case path <TAB> path at fault <TAB> fragment.
"""
import gzip
import json
import os
import random
import shutil
import struct
import zlib

ROOT = os.path.dirname(os.path.abspath(__file__))

BASE = {
    "trainlab": 1,
    "name": "corpus",
    "dataset": {"source": "synthetic"},
    "model": {"preset": "mlp"},
    "training": {"epochs": 1},
    "devices": "cpu",
}


def spec(**changes):
    """BASE with dotted-path changes; a value of DELETE removes the key."""
    out = json.loads(json.dumps(BASE))
    for path, value in changes.items():
        keys = path.split("__")
        node = out
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        if value is DELETE:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = value
    return json.dumps(out, indent=2).encode() + b"\n"


DELETE = object()
BASE_TEXT = spec()


def nested(depth, inner=b"1"):
    return b"[" * depth + inner + b"]" * depth


def spec_cases():
    rng = random.Random(10)
    junk = bytes(rng.randrange(256) for _ in range(512))
    layers = b"""{
  "trainlab": 1,
  "name": "corpus",
  "dataset": {"source": "synthetic"},
  "model": {"layers": [
    {"type": "linear", "out": 16},
    {"type": "linear", "out": 8, "out": 4}
  ]},
  "devices": "cpu"
}
"""
    return [
        # Not JSON at all, or not an object.
        ("empty.json", b"", "empty file"),
        ("whitespace-only.json", b"  \n\t\r\n", "empty file"),
        ("binary-junk.json", junk, "not a JSON object: starts with"),
        ("nul-bytes.json", b"\0" * 64, "starts with byte 0x00"),
        ("png-renamed.json", b"\x89PNG\r\n\x1a\n" + b"\0" * 24, "starts with byte 0x89"),
        ("truncated.json", BASE_TEXT[: len(BASE_TEXT) // 2], "not valid JSON at line"),
        ("trailing-garbage.json", BASE_TEXT + b"}\n", "garbage at the end of the document"),
        ("trailing-comma.json", b'{"trainlab": 1, "name": "x",}', "not valid JSON at line 1"),
        ("single-quotes.json", b"{'trainlab': 1}", "not valid JSON at line 1, column 3 (byte 2)"),
        ("comment.json", b'{\n  // a comment\n  "trainlab": 1\n}\n', "not valid JSON at line 2"),
        ("top-level-array.json", b"[" + BASE_TEXT + b"]", "must hold a JSON object, got an array"),
        ("top-level-number.json", b"42\n", "not a JSON object: starts with '4'"),
        ("top-level-null.json", b"null", "not a JSON object: starts with 'n'"),
        ("nan-literal.json", BASE_TEXT.replace(b'"epochs": 1', b'"epochs": NaN'),
         "not valid JSON"),
        ("infinity-literal.json", BASE_TEXT.replace(b'"epochs": 1', b'"epochs": Infinity'),
         "not valid JSON"),
        ("number-overflows-double.json", BASE_TEXT.replace(b'"epochs": 1', b'"epochs": 1e999'),
         "illegal number"),
        ("invalid-utf8.json", BASE_TEXT.replace(b'"corpus"', b'"corp\xff\xfeus"'),
         "invalid UTF8 string"),
        ("deep-nesting.json", b'{"trainlab": 1, "name": ' + nested(5000) + b"}",
         "too deeply nested"),
        ("utf16-bom.json", b"\xff\xfe" + BASE_TEXT.decode().encode("utf-16-le"), "UTF-16 text"),
        # Valid JSON, wrong spec: each error names its JSON path.
        ("utf8-bom-unknown-key.json", b"\xef\xbb\xbf" + spec(colour="red"), "colour: unknown key"),
        ("deep-nesting-as-value.json",
         BASE_TEXT.replace(b'"epochs": 1', b'"epochs": ' + nested(500)),
         "training.epochs: must be a number, got an array"),
        ("huge-epochs.json", spec(training__epochs=1e300), "training.epochs: must be >= 1"),
        ("integer-too-long.json",
         BASE_TEXT.replace(b'"epochs": 1', b'"epochs": 123456789012345678901234567890'),
         "training.epochs: must be >= 1 and <= 1000000"),
        ("negative-batch-size.json", spec(training__batch_size=-1), "training.batch_size: must be"),
        ("zero-epochs.json", spec(training__epochs=0), "training.epochs: must be >= 1"),
        ("fractional-epochs.json", spec(training__epochs=2.5),
         "training.epochs: must be an integer, got 2.5"),
        ("negative-samples.json",
         spec(dataset={"source": "synthetic", "synthetic": {"samples": -10}}),
         "dataset.synthetic.samples: must be >= 10"),
        ("huge-samples.json",
         spec(dataset={"source": "synthetic", "synthetic": {"samples": 1e15}}),
         "dataset.synthetic.samples: must be >= 10 and <= 10000000"),
        ("negative-lr.json", spec(training__optimizer={"lr": -1}),
         "training.optimizer.lr: must be > 0, got -1"),
        ("epochs-as-string.json", spec(training__epochs="10"),
         'training.epochs: must be a number, got "10"'),
        ("lr-as-bool.json", spec(training__optimizer={"lr": True}),
         "training.optimizer.lr: must be a number, got true"),
        ("dataset-as-array.json", spec(dataset=[]), "dataset: must be an object, got an array"),
        ("model-as-string.json", spec(model="mlp"), 'model: must be an object, got "mlp"'),
        ("name-null.json", spec(name=None), "name: must be a string, got null"),
        ("name-empty.json", spec(name="  "), "name: must not be empty"),
        ("unknown-top-level-key.json", spec(trainlabs=1), "trainlabs: unknown key"),
        ("unknown-nested-key.json", spec(training__optimzer={"lr": 0.1}),
         "training.optimzer: unknown key"),
        ("unknown-deep-key.json", spec(training__optimizer={"learning_rate": 0.1}),
         "training.optimizer.learning_rate: unknown key"),
        ("missing-version.json", spec(trainlab=DELETE), "trainlab: missing"),
        ("future-version.json", spec(trainlab=99), "trainlab: spec version 99 is newer"),
        ("missing-source.json", spec(dataset={}), "dataset.source: missing"),
        ("unknown-source.json", spec(dataset={"source": "parquet"}),
         'dataset.source: must be one of'),
        ("missing-model.json", spec(model=DELETE), "model: missing"),
        ("unknown-preset.json", spec(model={"preset": "gpt5"}), "model.preset: must be one of"),
        ("preset-and-layers.json", spec(model={"preset": "mlp", "layers": []}),
         "model: give exactly one of"),
        ("empty-layers.json", spec(model={"layers": []}),
         "model.layers: must be a non-empty list of layers, got an array"),
        ("unknown-layer-type.json", spec(model={"layers": [{"type": "quantum"}]}),
         "model.layers[0]"),
        ("bad-device.json", spec(devices=["gpu"]), 'devices[0]: must be "cpu" or "cuda:N"'),
        ("devices-as-number.json", spec(devices=3), "devices: must be"),
        ("splits-leave-nothing.json",
         spec(dataset={"source": "synthetic", "validation_split": 0.6, "test_split": 0.5}),
         "dataset.validation_split: validation_split + test_split must leave training data"),
        ("csv-without-path.json", spec(dataset={"source": "csv"}), "dataset.path: missing"),
        ("idx-half-pair.json", spec(dataset={"source": "idx", "train": {"images": "a.idx"}}),
         'dataset.train: needs both "images" and "labels"'),
        ("milestones-decreasing.json",
         spec(training__schedule={"type": "multistep", "milestones": [5, 3]}),
         "training.schedule.milestones: must be increasing positive epoch numbers"),
        ("image-size-huge.json",
         spec(dataset={"source": "image_folder", "path": "x", "image": {"height": 1e9}}),
         "dataset.image.height: must be >= 4 and <= 4096"),
        # Duplicate keys: QJsonDocument keeps one value silently; the loader refuses.
        ("duplicate-top-level-key.json", BASE_TEXT.replace(
            b'"name": "corpus",', b'"name": "corpus",\n  "name": "other",'),
         "name: duplicate key (lines 3 and 4)"),
        ("duplicate-nested-key.json", BASE_TEXT.replace(
            b'"epochs": 1', b'"epochs": 1,\n    "epochs": 100'),
         "training.epochs: duplicate key"),
        ("duplicate-key-in-layer.json", layers, "model.layers[1].out: duplicate key (lines 7 and 7)"),
        ("duplicate-key-escaped.json", BASE_TEXT.replace(
            b'"name": "corpus",', b'"name": "corpus",\n  "\\u006eame": "other",'),
         "name: duplicate key"),
    ]


# ---------------------------------------------------------------------------------------------
# Data files

def idx(shape, data, type_code=0x08):
    return bytes([0, 0, type_code, len(shape)]) + b"".join(struct.pack(">I", d) for d in shape) + data


def gz(data):
    return gzip.compress(data, mtime=0)


def png(width, height, gray):
    """A minimal 8-bit grayscale PNG."""
    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload +
                struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))
    rows = b"".join(b"\0" + bytes([gray]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def png_claiming(width, height):
    """A PNG whose header claims `width` x `height` pixels over a few bytes of data."""
    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload +
                struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(64))) + chunk(b"IEND", b""))


def data_cases():
    """(reader, case path, path at fault, fragment, files {relative path: bytes})"""
    rng = random.Random(20)
    good = idx([10, 4, 4], bytes(range(160)))
    good_gz = gz(good)
    corrupt_gz = bytearray(good_gz)
    for i in range(12, len(corrupt_gz) - 8):
        corrupt_gz[i] ^= 0x5A
    png_ok = png(6, 5, 90)
    cases = [
        ("idx", "idx/empty.idx", None, "too short for an IDX file (0 bytes)", b""),
        ("idx", "idx/wrong-magic.idx", None, "not an IDX file (magic bytes 0x1234",
         b"\x12\x34" + good[2:]),
        ("idx", "idx/text-file.idx", None, "not an IDX file", b"hello, world\n"),
        ("idx", "idx/unknown-type.idx", None, "unknown IDX element type 0x42 at byte 2",
         idx([4], b"abcd", 0x42)),
        ("idx", "idx/zero-dimensions.idx", None, "declares 0 dimensions", b"\0\0\x08\0"),
        ("idx", "idx/truncated-header.idx", None, "truncated IDX header: 3 dimensions need 16",
         good[:10]),
        ("idx", "idx/truncated-data.idx", None, "IDX dimension 2 (4, at byte 12) is larger than "
         "the file's data", good[:100]),
        ("idx", "idx/extra-data.idx", None, "IDX shape needs 160 bytes", good + b"\0" * 7),
        ("idx", "idx/lying-dimensions.idx", None, "IDX dimension 0 (60000, at byte 4)",
         idx([60000, 28, 28], bytes(100))),
        ("idx", "idx/overflowing-dimensions.idx", None, "IDX dimension 0 (4294967295",
         idx([0xFFFFFFFF] * 4, bytes(64))),
        ("idx", "idx/many-zero-then-huge.idx", None, "IDX shape needs 0 bytes",
         idx([0, 0xFFFFFFFF, 0xFFFFFFFF], bytes(8))),
        ("idx", "idx/truncated.idx.gz", None, "truncated gzip data", good_gz[: len(good_gz) // 2]),
        ("idx", "idx/corrupt.idx.gz", None, "corrupt gzip data near byte", bytes(corrupt_gz)),
        ("idx", "idx/lying-dimensions.idx.gz", None, "of gzip data can inflate to",
         gz(idx([60000, 28, 28], bytes(100)))),
        ("idx", "idx/short-data.idx.gz", None, "IDX shape needs 160 bytes", gz(good[:80])),
        ("idx", "idx/gzip-header-only.idx.gz", None, "truncated gzip data", good_gz[:10]),
        ("idx", "idx/gzip-trailing-junk.idx.gz", None, "corrupt gzip data",
         good_gz + b"junk after the stream"),
        ("csv", "csv/empty.csv", None, "no rows", b""),
        ("csv", "csv/blank-lines.csv", None, "no rows", b"\n\n  \n\r\n"),
        ("csv", "csv/header-only.csv", None, "a header but no data rows", b"a,b,label\n"),
        ("csv", "csv/ragged-short-row.csv", None, "ragged-short-row.csv:4: 2 fields, expected 3 "
         "(as on line 1)", b"a,b,label\n1,2,x\n3,4,y\n5,6\n7,8,x\n"),
        ("csv", "csv/ragged-long-row.csv", None, "ragged-long-row.csv:3: 5 fields, expected 3",
         b"a,b,label\n1,2,x\n3,4,y,9,9\n"),
        ("csv", "csv/binary-junk.csv", None, "not UTF-8 text",
         bytes(rng.randrange(256) for _ in range(4096)) + b"\0"),
        ("csv", "csv/not-utf8.csv", None, "not UTF-8 text", b"name,label\ncaf\xe9,1\nbar,0\n"),
        ("csv", "csv/unterminated-quote.csv", None, "unterminated-quote.csv:3: a quoted field is "
         "never closed", b"a,label\n1,x\n\"2,y\n3,x\n"),
        ("csv", "csv/single-column.csv", None, "single-column.csv:1: one column found",
         b"x\n1\n2\n3\n"),
        ("csv", "csv/missing-label.csv", None, "missing-label.csv:3: missing label in column "
         "'label'", b"a,label\n1,x\n2,\n3,y\n"),
        ("csv", "csv/single-class.csv", None, "has a single class ('x')", b"a,label\n1,x\n2,x\n"),
        ("csv", "csv/number-typo.csv", None, "number-typo.csv:12: column 'a': '1O' is not a number",
         b"a,label\n" + b"".join(b"%d,%d\n" % (i, i % 2) for i in range(10)) + b"1O,1\n"),
        ("csv", "csv/too-many-categories.csv", None, "has 201 distinct text values",
         b"city,label\n" + b"".join(b"c%d,%d\n" % (i, i % 2) for i in range(201))),
        ("csv", "csv/png-renamed.csv", None, "not UTF-8 text", png_ok),
        ("csv", "csv/zeros.csv", None, "NUL byte at byte 0", bytes(1000)),
        ("csv", "csv/truncated.csv.gz", None, "truncated gzip data",
         gz(b"a,label\n" + b"1,x\n" * 500)[:40]),
    ]
    out = [(reader, path, path if fault is None else fault, fragment, {path: data})
           for reader, path, fault, fragment, data in cases]
    # Image folders: root/CLASS/images.
    out += [
        ("images", "images/corrupt-image", "images/corrupt-image/dogs/1.png",
         "cannot decode this image", {
             "images/corrupt-image/cats/0.png": png_ok,
             "images/corrupt-image/dogs/0.png": png(6, 5, 200),
             "images/corrupt-image/dogs/1.png": b"this is not a png at all\n"}),
        ("images", "images/truncated-png", "images/truncated-png/cats/1.png",
         "cannot decode this image", {
             "images/truncated-png/cats/0.png": png_ok,
             "images/truncated-png/cats/1.png": png(64, 64, 7)[:45],
             "images/truncated-png/dogs/0.png": png_ok}),
        ("images", "images/huge-dimensions-png", "images/huge-dimensions-png/dogs/huge.png",
         "cannot decode this image", {
             "images/huge-dimensions-png/cats/0.png": png_ok,
             "images/huge-dimensions-png/dogs/huge.png": png_claiming(100000, 100000)}),
        ("images", "images/zero-byte-image", "images/zero-byte-image/dogs/empty.jpg",
         "empty file (0 bytes)", {
             "images/zero-byte-image/cats/0.png": png_ok,
             "images/zero-byte-image/dogs/0.png": png_ok,
             "images/zero-byte-image/dogs/empty.jpg": b""}),
        ("images", "images/class-without-images", "images/class-without-images/fish",
         "class folder has no images", {
             "images/class-without-images/cats/0.png": png_ok,
             "images/class-without-images/dogs/0.png": png_ok,
             "images/class-without-images/fish/README.txt": b"no images here\n"}),
        ("images", "images/one-class", "images/one-class",
         "needs one sub-folder per class (at least two), found 1", {
             "images/one-class/cats/0.png": png_ok}),
        ("images", "images/file-not-folder.png", "images/file-not-folder.png",
         "is a file, not a folder", {"images/file-not-folder.png": png_ok}),
    ]
    return out


def main():
    specs = os.path.join(ROOT, "specs")
    data = os.path.join(ROOT, "data")
    for d in (specs, data):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    manifest = ["# file\tfragment the error must contain besides the file's path"]
    for name, text, fragment in spec_cases():
        with open(os.path.join(specs, name), "wb") as f:
            f.write(text)
        manifest.append(f"{name}\t{fragment}")
    with open(os.path.join(specs, "cases.tsv"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    manifest = ["# reader\tcase\tpath at fault\tfragment the error must contain"]
    for reader, case, fault, fragment, files in data_cases():
        for rel, content in files.items():
            path = os.path.join(data, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(content)
        manifest.append(f"{reader}\t{case}\t{fault}\t{fragment}")
    with open(os.path.join(data, "cases.tsv"), "w") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
