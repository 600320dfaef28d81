"""agentsft: grow supervised fine-tuning datasets from seed tasks."""

__version__ = "0.1.0"
