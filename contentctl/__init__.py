"""contentctl: Terraform for social posts, on Publer."""

__version__ = "0.1.0"
# The name to `pip install`; the command stays `contentctl` (that PyPI name is taken).
DISTRIBUTION = "contentctl-publer"
