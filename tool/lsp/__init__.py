"""`tool lsp`: the knowledge base in any editor, through the language server protocol."""
