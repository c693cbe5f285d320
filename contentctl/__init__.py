"""contentctl: Terraform for social posts, on Publer."""

__version__ = "0.1.0"
