"""The project's configuration, formgen.yaml: folders, words, texts and declared fields."""
