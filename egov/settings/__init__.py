"""Settings package: ``base`` holds everything, ``test`` only overrides what tests need."""
