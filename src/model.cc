// placeholder: owned by the module's author, to be replaced
