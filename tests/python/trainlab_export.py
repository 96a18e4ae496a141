#!/usr/bin/python3
"""Runs a TrainLab export with PyTorch alone: the way to use one outside TrainLab, and the check
that an export holds what TrainLab's own model computes (tests/cli/tst_export.cpp).

    trainlab_export.py EXPORT_DIR INPUT...

EXPORT_DIR is what `trainlab-cli export RUN --out DIR` wrote. Inputs are PGM/PPM images (P2, P5,
P3, P6) for an image model, or CSV files of rows for a table model, read the way
preprocessing.json says. Prints {"classes": [...], "logits": [[...], ...], "outputs": [[...]]} as
JSON, outputs being probabilities (or regression values). Needs only python3 and torch.
"""
import csv
import io
import json
import math
import os
import sys

import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU, "tanh": nn.Tanh,
               "sigmoid": nn.Sigmoid}


def make_layer(spec):
    kind, shape_in, shape_out = spec["type"], spec["input_shape"], spec["output_shape"]
    if kind == "linear":
        return nn.Linear(shape_in[-1], shape_out[-1], bias=spec.get("bias", True))
    if kind == "flatten":
        return nn.Flatten()
    if kind in ACTIVATIONS:
        return ACTIVATIONS[kind]()
    if kind == "leaky_relu":
        return nn.LeakyReLU(spec["slope"])
    if kind == "dropout":
        return nn.Dropout(spec["p"])
    if kind in ("conv1d", "conv2d"):
        conv = nn.Conv2d if kind == "conv2d" else nn.Conv1d
        return conv(shape_in[0], shape_out[0], spec["kernel"], stride=spec["stride"],
                    padding=spec["padding"], dilation=spec["dilation"], groups=spec["groups"],
                    bias=spec["bias"])
    pools = {"maxpool1d": nn.MaxPool1d, "maxpool2d": nn.MaxPool2d,
             "avgpool1d": nn.AvgPool1d, "avgpool2d": nn.AvgPool2d}
    if kind in pools:
        kernel = spec["kernel"]
        return pools[kind](kernel, stride=spec.get("stride", kernel), padding=spec["padding"])
    if kind == "adaptive_avgpool1d":
        return nn.AdaptiveAvgPool1d(spec["out"])
    if kind == "adaptive_avgpool2d":
        return nn.AdaptiveAvgPool2d(spec["out"])
    if kind in ("batchnorm1d", "batchnorm2d"):
        norm = nn.BatchNorm2d if kind == "batchnorm2d" else nn.BatchNorm1d
        return norm(shape_in[0], eps=spec["eps"], momentum=spec["momentum"])
    if kind == "layernorm":
        return nn.LayerNorm(shape_in[-1], eps=spec["eps"])
    sys.exit(f"trainlab_export.py: layer type '{kind}' is not built by this script")


def read_pnm(path):
    """A PGM or PPM image as [C, H, W] bytes."""
    with open(path, "rb") as f:
        data = f.read()
    tokens, pos = [], 0
    while len(tokens) < 4:  # magic, width, height, maxval; '#' starts a comment
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        tokens.append(data[pos:end].decode())
        pos = end
    magic, width, height, maxval = tokens[0], int(tokens[1]), int(tokens[2]), int(tokens[3])
    channels = 3 if magic in ("P3", "P6") else 1
    count = width * height * channels
    if magic in ("P5", "P6"):
        values = list(data[pos + 1:pos + 1 + count])
    else:
        values = [int(v) for v in data[pos:].split()[:count]]
    pixels = torch.tensor(values, dtype=torch.float32) * (255.0 / maxval)
    return pixels.view(height, width, channels).permute(2, 0, 1)


def image_inputs(prep, paths):
    channels, height, width = prep["input_shape"]
    images = []
    for path in paths:
        image = read_pnm(path)
        if image.shape[1:] != (height, width):
            sys.exit(f"{path}: {image.shape[2]}x{image.shape[1]}, the model takes {width}x{height}")
        if image.shape[0] != channels:
            sys.exit(f"{path}: {image.shape[0]} channels, the model takes {channels}")
        images.append(image / 255.0)
    x = torch.stack(images)
    norm = prep.get("normalization")
    if norm:
        mean = torch.tensor(norm["mean"], dtype=torch.float32).view(1, -1, 1, 1)
        std = torch.tensor(norm["std"], dtype=torch.float32).view(1, -1, 1, 1)
        x = (x - mean) / std
    return x


def is_number(cell):
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


MISSING = {"", "na", "n/a", "nan", "null", "?", "none"}


def table_inputs(prep, paths):
    features = prep["features"]
    columns = []  # [name, numeric, categories, first feature]
    for i, feature in enumerate(features):
        if feature["numeric"]:
            columns.append([feature["name"], True, [], i])
            continue
        name, _, category = feature["name"].partition("=")
        if not columns or columns[-1][1] or columns[-1][0] != name:
            columns.append([name, False, [], i])
        columns[-1][2].append(category)
    settings = prep.get("csv", {})
    rows = []
    for path in paths:
        with open(path, newline="", encoding="utf-8-sig") as f:
            text = f.read()
        delimiter = settings.get("delimiter", "auto")
        if delimiter == "auto":
            first = text.split("\n", 1)[0]
            delimiter = max([",", "\t", ";", "|"], key=first.count)
        table = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(r)]
        header = settings.get("header", "auto")
        has_header = header == "yes" or (header == "auto" and not any(map(is_number, table[0])))
        if has_header:
            index = [[c.strip() for c in table[0]].index(col[0]) for col in columns]
            table = table[1:]
        else:
            index = list(range(len(columns)))  # the feature columns first, in order
        for row in table:
            values = [0.0] * len(features)
            for (name, numeric, categories, first), at in zip(columns, index):
                cell = row[at].strip()
                if numeric:
                    values[first] = float("nan") if cell.lower() in MISSING else float(cell)
                else:
                    values[first + categories.index("(missing)" if cell.lower() in MISSING
                                                    else cell)] = 1.0
            rows.append(values)
    x = torch.tensor(rows, dtype=torch.float32)
    fill = torch.tensor([f["fill"] for f in features], dtype=torch.float32)
    x = torch.where(torch.isnan(x), fill.expand_as(x), x)
    norm = prep.get("normalization")
    if norm:
        x = (x - torch.tensor(norm["mean"], dtype=torch.float32)) / torch.tensor(
            norm["std"], dtype=torch.float32)
    return x


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    folder, paths = sys.argv[1], sys.argv[2:]
    with open(os.path.join(folder, "model.json")) as f:
        model_info = json.load(f)
    with open(os.path.join(folder, "preprocessing.json")) as f:
        prep = json.load(f)
    model = nn.Sequential(*[make_layer(layer) for layer in model_info["layers"]])
    model.load_state_dict(torch.load(os.path.join(folder, "weights.pt")))
    model.eval()
    x = image_inputs(prep, paths) if prep["images"] else table_inputs(prep, paths)
    with torch.no_grad():
        logits = model(x)
    activation = model_info["output_activation"]
    outputs = {"softmax": lambda t: torch.softmax(t, 1), "sigmoid": torch.sigmoid}.get(
        activation, lambda t: t)(logits)
    json.dump({"classes": prep["classes"], "logits": logits.tolist(),
               "outputs": outputs.tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
