"""One operation per feature: a client, the read and options in, a result out."""
