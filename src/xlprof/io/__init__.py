"""Reading inputs and writing outputs: files in, files out. The model never sees a file."""
