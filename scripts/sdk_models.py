#!/usr/bin/env python3
"""The request and response models of the official Python SDK
(alibabacloud-alb20200616), as wire-name trees with types and doc comments.

    python scripts/sdk_models.py CreateListener        # a readable tree
    python scripts/sdk_models.py --json [OP...]        # JSON, every operation by default

Each node: wire name, type (str, int, bool, float, list[...], or a nested
model), the SDK's doc comment, and `required` when the comment says
"This parameter is required." Read from the model sources with `ast`, so
nothing is imported or run. Used by spec authors (to compare an operation
with the SDK) and by tests/fidelity.rs (wire names of every operation).
"""

import ast
import json
import os
import re
import sys


def models_dir():
    import importlib.util

    spec = importlib.util.find_spec("alibabacloud_alb20200616")
    if spec is None or not spec.submodule_search_locations:
        sys.stderr.write("MISSING_PACKAGES: alibabacloud_alb20200616 is not installed\n")
        sys.exit(3)
    return os.path.join(list(spec.submodule_search_locations)[0], "models")


def snake(name):
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


class Models:
    """Every model class of the SDK, by class name."""

    def __init__(self, directory):
        self.classes = {}
        for name in sorted(os.listdir(directory)):
            if not name.endswith(".py") or name.startswith("__"):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as f:
                source = f.read()
            lines = source.splitlines()
            for node in ast.parse(source).body:
                if isinstance(node, ast.ClassDef):
                    self.classes[node.name] = (node, lines)

    def fields(self, class_name):
        """[(wire, attr, type annotation text, comment)] of a model class."""
        node, lines = self.classes[class_name]
        init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
        to_map = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "to_map"), None)
        if init is None or to_map is None:
            return []
        annotations = {
            a.arg: ast.get_source_segment("\n".join(lines), a.annotation) if a.annotation else ""
            for a in init.args.args[1:]
        }
        comments = {}
        for stmt in init.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Attribute):
                attr = stmt.targets[0].attr
                text = []
                i = stmt.lineno - 2
                while i >= 0 and lines[i].strip().startswith("#"):
                    text.insert(0, lines[i].strip()[1:].strip())
                    i -= 1
                comments[attr] = "\n".join(text).strip()
        wire = {}
        body = "\n".join(lines[to_map.lineno - 1 : to_map.end_lineno])
        for m in re.finditer(r"if self\.(\w+) is not None:\s*\n\s*result\['([^']+)'\]", body):
            wire.setdefault(m.group(1), m.group(2))
        for m in re.finditer(r"result\['([^']+)'\] = \[\]\s*\n\s*if self\.(\w+) is not None", body):
            wire.setdefault(m.group(2), m.group(1))
        out = []
        for attr, key in wire.items():
            out.append((key, attr, annotations.get(attr, ""), comments.get(attr, "")))
        return out

    def tree(self, class_name, depth=0):
        nodes = []
        for key, _attr, ann, comment in self.fields(class_name):
            node = {"name": key, "type": self.type_of(ann), "doc": comment}
            if "This parameter is required." in comment:
                node["required"] = True
            nested = re.search(r"main_models\.(\w+)", ann)
            if nested and depth < 12 and nested.group(1) in self.classes:
                node["fields"] = self.tree(nested.group(1), depth + 1)
            nodes.append(node)
        return nodes

    @staticmethod
    def type_of(ann):
        ann = ann.replace("main_models.", "")
        return ann.replace("List[", "list[").replace("Dict[", "dict[") or "?"

    def operations(self):
        ops = []
        for name in self.classes:
            # An operation without parameters has no Request model.
            if name.endswith("ResponseBody") and name[: -len("ResponseBody")] + "Response" in self.classes:
                ops.append(name[: -len("ResponseBody")])
        return sorted(ops)

    def operation(self, op):
        request = op + "Request"
        body = op + "ResponseBody"
        if body not in self.classes:
            raise SystemExit(f"the SDK has no operation {op}")
        return {
            "request": self.tree(request) if request in self.classes else [],
            "response": self.tree(body) if body in self.classes else [],
        }


def show(nodes, indent=0):
    pad = "  " * indent
    for n in nodes:
        req = " (required)" if n.get("required") else ""
        print(f"{pad}- {n['name']}: {n['type']}{req}")
        for line in n["doc"].splitlines():
            if line and line != "This parameter is required.":
                print(f"{pad}    # {line}")
        if "fields" in n:
            show(n["fields"], indent + 1)


def main(argv):
    as_json = "--json" in argv
    names = [a for a in argv if not a.startswith("--")]
    models = Models(models_dir())
    names = names or models.operations()
    data = {op: models.operation(op) for op in names}
    if as_json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
        print()
        return
    for op, d in data.items():
        print(f"# {op}\n## request")
        show(d["request"])
        print("## response")
        show(d["response"])


if __name__ == "__main__":
    main(sys.argv[1:])
