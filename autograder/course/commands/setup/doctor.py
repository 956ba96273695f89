"""``encoder-kit course doctor``: which layers of the grading sandbox this machine provides.

Run it before a batch (on the grading machine, as the user who grades): it confines a
process as a grading kernel would and reports each layer (user, mount and network
namespaces, read-only remounts, the capability drop, control groups, the system-call filter,
Landlock), whether the embedding cache is warm, and the versions that matter. A required
layer that is missing makes ``encoder-kit course grade`` refuse (unless
``--allow-unconfined``); the line says how to get it. Exit status 0 when every required
layer is there, 1 otherwise. ``--json`` prints the table as JSON.
"""

from __future__ import annotations

import argparse
import json


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course doctor``"""
    from autograder.course.sandbox.layers.probe import missing_layers, probe

    layers = probe()
    missing = missing_layers(layers)
    if getattr(args, "json", False):
        print(json.dumps({"confined": not missing,
                          "layers": [layer.to_json() for layer in layers]}, indent=1))
        return 1 if missing else 0
    width = max(len(layer.name) for layer in layers)
    for layer in layers:
        mark = "ok " if layer.ok else ("NO " if layer.required else "-- ")
        print(f"{mark} {layer.name:<{width}}  {layer.detail}")
        if not layer.ok and layer.fix:
            print(f"    {'':<{width}}  fix: {layer.fix}")
    if missing:
        print(f"\nnot confined: {', '.join(layer.name for layer in missing)} missing; "
              "`encoder-kit course grade` refuses to grade here unless --allow-unconfined "
              "(each submission is then noted as not isolated)")
        return 1
    print("\nconfined: every required layer is in place")
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("doctor", help="which sandbox layers (namespaces, read-only mounts, "
                         "capabilities, control groups, seccomp, Landlock) this machine has")
    p.add_argument("--json", action="store_true", help="the layers as JSON")
    p.set_defaults(func=run)
