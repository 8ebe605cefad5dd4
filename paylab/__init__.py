"""paylab — the package behind the executable textbook *E-payment in e-commerce*.

Each module is one idea of the book (see the chapter that uses it); the most
used names are re-exported here so a notebook can start with
``from paylab import Money``.
"""

from paylab.validation import install

install("paylab")  # every public function checks its arguments at the boundary (paylab/validation.py)

from paylab.errors import InvalidInput, PaylabError  # noqa: E402
from paylab.money import Money, convert  # noqa: E402

__version__ = "0.1.0"
__all__ = ["Money", "convert", "PaylabError", "InvalidInput", "__version__"]
