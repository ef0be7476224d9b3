"""An integrity report for a class."""
