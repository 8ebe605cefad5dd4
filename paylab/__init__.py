"""paylab — the package behind the executable textbook *E-payment in e-commerce*.

Each module is one idea of the book (see the chapter that uses it); the most
used names are re-exported here so a notebook can start with
``from paylab import Money``.
"""

from paylab.errors import InvalidInput, PaylabError
from paylab.money import Money, convert

__version__ = "0.1.0"
__all__ = ["Money", "convert", "PaylabError", "InvalidInput", "__version__"]
