# SPDX-License-Identifier: MIT
"""schema_validate.py SCHEMA FILE... - validates YAML files against a JSON
Schema with python3-jsonschema (Debian's), as an editor's
yaml-language-server would: one line per problem, exit 1 if any file has
one, 2 if the schema itself is not a valid draft-07 schema."""
import sys

import re

import jsonschema
import yaml


class Loader(yaml.SafeLoader):
    """YAML as drvgen reads it (libyaml, YAML 1.2's core schema): true and
    false are booleans, but yes, no, on and off are words ('off: 0' is an
    enum value named off), as they are to yaml-language-server."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                             list("tTfF"))


def main():
    with open(sys.argv[1]) as f:
        schema = yaml.safe_load(f)
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        print(f"{sys.argv[1]}: not a draft-07 schema: {e.message}")
        return 2
    validator = jsonschema.Draft7Validator(schema)
    bad = 0
    for path in sys.argv[2:]:
        with open(path) as f:
            doc = yaml.load(f, Loader=Loader)
        for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in e.path)
            print(f"{path}: {where or '(top)'}: {e.message}")
            bad = 1
    return bad


sys.exit(main())
