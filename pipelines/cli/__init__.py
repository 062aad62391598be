"""The command line (python -m pipelines): its commands and the tables it prints."""
