"""Known zones of the identity-document tests, and the fixed day they are read on.

The MRZ and identity rules are pure functions of (zone, day): these tests pass the day
explicitly and pin it (``TODAY``), so the zones' fixed expiry dates keep their meaning on
any date. Tests that need the session's day use the root ``today`` fixture, which this
module deliberately does not shadow.
"""

from __future__ import annotations

from datetime import date

TODAY = date(2026, 11, 28)

SPECIMEN_TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
SPECIMEN_TD2 = (
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "D231458907UTO7408122F1204159<<<<<<<6",
)
SPECIMEN_TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
# Åsa Linnéa Öberg, 19850312-2387 (valid Luhn), passport valid to 2031-06-30.
SWEDISH_PASSPORT = (
    "P<SWEOEBERG<<AASA<LINNEA<<<<<<<<<<<<<<<<<<<<",
    "AB12345671SWE8503127F31063058503122387<<<<78",
)
# Jöns Ülrik Lindqvist, 19920704-5486, national id card valid to 2030-02-14.
SWEDISH_ID_CARD = (
    "I<SWEIS987654329207045486<<<<<",
    "9207042M3002142SWE<<<<<<<<<<<7",
    "LINDQVIST<<JOENS<UELRIK<<<<<<<",
)
FOREIGN_PASSPORT = (
    "P<NORHAUGEN<<KARI<<<<<<<<<<<<<<<<<<<<<<<<<<<",
    "NX00412731NOR8809014F2910091<<<<<<<<<<<<<<<2",
)
