"""Checks: small functions of the dataset that yield problems, each registered in the one registry."""
