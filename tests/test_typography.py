import datetime as dt

from motions.typography import NBSP, NNBSP, date_fr, french, number_fr


def test_apostrophes_and_guillemets():
    assert french("l'État") == "l’État"
    assert french('il dit "non"') == f"il dit «{NBSP}non{NBSP}»"
    assert french("« oui »") == f"«{NBSP}oui{NBSP}»"


def test_spaces_before_double_punctuation():
    assert french("Pourquoi ?") == f"Pourquoi{NNBSP}?"
    assert french("ainsi; puis") == f"ainsi{NNBSP}; puis"
    assert french("décide :") == f"décide{NBSP}:"
    assert french("Attention!") == f"Attention{NNBSP}!"


def test_urls_and_times_untouched():
    assert french("voir https://www.cnil.fr/fr?x=1 ; ok") == f"voir https://www.cnil.fr/fr?x=1{NNBSP}; ok"
    assert french("à 10:30") == "à 10:30"


def test_numero_and_idempotence():
    text = "CE, 4 avril 2025, n° 472245 ; p. 3"
    once = french(text)
    assert f"n°{NBSP}472245" in once and f"p.{NBSP}3" in once
    assert french(once) == once


def test_dates_and_numbers():
    assert date_fr(dt.date(2026, 3, 14)) == "14 mars 2026"
    assert date_fr(dt.date(2026, 5, 1)) == "1er mai 2026"
    assert number_fr(34969) == f"34{NNBSP}969"
