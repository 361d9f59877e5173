"""Speed: fast paths of the build, each proven equal to its reference in the tests."""
