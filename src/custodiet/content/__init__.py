"""Detection content: data files only (signatures, vendors, relabels, lists, endpoints).

Each fact carries its source. Code that reads these files lives in identify/ and policy/.
"""

from importlib.resources import files

CONTENT_DIR = files(__name__)
