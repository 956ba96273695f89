"""ShapeExplorer: sliders for batch size, sequence length, hidden size and layers (C4).

The shape of the array at every stage of the encoder is recomputed as a slider moves; no
model is needed, so the explorer is instant.

>>> stage_shapes(batch=2, length=10, hidden=768, layers=12)["all hidden states"]
(13, 2, 10, 768)
"""

from __future__ import annotations

import ipywidgets as widgets

from .explorer import Explorer, table_html

PRESETS = {"BERT-base": (768, 12), "all-MiniLM-L6-v2": (384, 6), "BERT-large": (1024, 24)}


def stage_shapes(batch: int, length: int, hidden: int, layers: int) -> dict[str, tuple[int, ...]]:
    """The shape at each stage for a batch of ``batch`` sequences of ``length`` word pieces."""
    return {
        "token ids": (batch, length),
        "token + position embeddings": (batch, length, hidden),
        "output of each layer (1 ... L)": (batch, length, hidden),
        "last hidden state (contextual vectors)": (batch, length, hidden),
        "pooled / [CLS] sentence vectors": (batch, hidden),
        "all hidden states": (layers + 1, batch, length, hidden),
    }


class ShapeExplorer(Explorer):
    """Move the sliders; the shape at each stage updates."""

    css_class = "ek-shape-explorer"

    def __init__(self, batch: int = 2, length: int = 12, hidden: int = 384,
                 layers: int = 6) -> None:
        style = {"description_width": "130px"}
        wide = widgets.Layout(width="420px")
        self.batch = widgets.IntSlider(batch, 1, 64, description="batch size", style=style,
                                       layout=wide)
        self.length = widgets.IntSlider(length, 1, 512, description="sequence length",
                                        style=style, layout=wide)
        self.hidden = widgets.IntSlider(hidden, 64, 1024, step=64, description="hidden size d",
                                        style=style, layout=wide)
        self.layers = widgets.IntSlider(layers, 1, 24, description="layers L", style=style,
                                        layout=wide)
        self.preset = widgets.ToggleButtons(options=["custom", *PRESETS], value="custom",
                                            description="preset", style=style)
        self.table = widgets.HTML()
        self.table.add_class("ek-shape-table")
        for slider in (self.batch, self.length, self.hidden, self.layers):
            slider.observe(self._on_slider, names="value")
        self.preset.observe(self._on_preset, names="value")
        super().__init__([self.preset, self.batch, self.length, self.hidden, self.layers,
                          self.table], "Shape explorer: what comes out of each stage")
        self._apply_preset_name()
        self.update()

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """The current shape at each stage."""
        return stage_shapes(self.batch.value, self.length.value, self.hidden.value,
                            self.layers.value)

    def _on_preset(self, change: dict) -> None:
        if change["new"] in PRESETS:
            hidden, layers = PRESETS[change["new"]]
            with self.hold_sync():
                self.hidden.value, self.layers.value = hidden, layers
        self.update()

    def _on_slider(self, _change: dict) -> None:
        self._apply_preset_name()
        self.update()

    def _apply_preset_name(self) -> None:
        current = (self.hidden.value, self.layers.value)
        name = next((n for n, v in PRESETS.items() if v == current), "custom")
        if self.preset.value != name:
            self.preset.value = name

    def update(self) -> None:
        """Redraw the table of shapes."""
        self.guard(self._update)

    def _update(self) -> None:
        rows = []
        for stage, shape in self.shapes.items():
            size = 1
            for n in shape:
                size *= n
            rows.append((stage, str(shape), f"{size:,}", f"{size * 4 / 2**20:.2f} MB"))
        self.table.value = table_html(["stage", "shape", "numbers", "float32 size"], rows)
