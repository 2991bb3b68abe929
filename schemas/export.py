"""Export one JSON Schema per topic into schemas/json: python -m schemas.export."""

import json
from pathlib import Path

from schemas.topics import EVENT_TYPES

JSON_DIR = Path(__file__).parent / "json"


def render() -> dict[str, str]:
    """File name -> JSON Schema text for every topic's event model."""
    out = {}
    for model in EVENT_TYPES:
        schema = model.model_json_schema(mode="serialization")
        schema["$id"] = (
            f"https://billhound.dev/schemas/{model.TYPE}.v{model.VERSION}.json"
        )
        schema["x-topic"] = model.TYPE
        schema["x-version"] = model.VERSION
        schema.setdefault("required", [])
        for name in ("type", "version"):  # always on the wire, though defaulted in code
            if name not in schema["required"]:
                schema["required"].append(name)
        out[f"{model.TYPE}.schema.json"] = (
            json.dumps(schema, indent=2, sort_keys=True) + "\n"
        )
    return out


def main() -> None:
    JSON_DIR.mkdir(exist_ok=True)
    for name, text in render().items():
        (JSON_DIR / name).write_text(text)
        print(f"wrote {JSON_DIR / name}")


if __name__ == "__main__":
    main()
