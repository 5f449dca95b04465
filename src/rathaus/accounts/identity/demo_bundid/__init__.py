"""Demo stand-in for BundID: log in as a demo resident with trust level "high" (as with eID).

Only on demo installations (``RATHAUS_DEMO``); everywhere else its pages answer 404.
"""
