"""Questions on disk: the YAML loader and the bank, the answers file a notebook writes, the
released questions file a kernel reads, and the leak check of a release folder.

>>> from encoder_kit.questions.files.loader import load_bank
>>> len(load_bank()) > 30
True
"""
