"""How many tasks a list reads at a time.

The first read of a list, or of a search, is what the person waits for after every key they
type, so it holds a tall window's rows and no more: the rows below it arrive as the view
asks for them, and a window taller than the first read asks at once. Later reads are only
waited for at the end of what is loaded, and bring a few screens each.
"""

FIRST_PAGE = 50
NEXT_PAGE = 100
