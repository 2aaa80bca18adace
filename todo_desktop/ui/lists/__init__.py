"""The lists beside the tasks: the sidebar, moving between lists, and search."""
