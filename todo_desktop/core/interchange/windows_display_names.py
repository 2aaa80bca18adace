"""The names Windows shows for its zones, which Outlook writes as TZIDs of its iCalendar files
(``DTSTART;TZID="(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna":...``), and the
Windows zone each one means (`windows_zones` gives the IANA zone of that).

A display name is its standard offset and a list of cities. Windows translates the cities
("Rom", "Wien" in German) and has reworded some over the years ("Kiev" to "Kyiv", "GMT" to
"UTC"), so a name not in the table is read by its cities: when those the table knows all
belong to one zone, that is the zone. A city that two zones list ("La Paz": Bolivia's and
Mexico's) tells nothing. Whether the offset the name shows fits the zone is for the caller
to check, since a name whose cities and offset disagree is not the zone of its cities.
Windows XP wrote "(GMT+01:00)", and "(GMT) Greenwich Mean Time : Dublin, ..." with a colon
before the cities: both are read.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone

DISPLAY_NAMES: dict[str, str] = {
    "(UTC-12:00) International Date Line West": "Dateline Standard Time",
    "(UTC-11:00) Coordinated Universal Time-11": "UTC-11",
    "(UTC-10:00) Hawaii": "Hawaiian Standard Time",
    "(UTC-09:00) Alaska": "Alaskan Standard Time",
    "(UTC-08:00) Baja California": "Pacific Standard Time (Mexico)",
    "(UTC-08:00) Pacific Time (US & Canada)": "Pacific Standard Time",
    "(UTC-07:00) Arizona": "US Mountain Standard Time",
    "(UTC-07:00) Chihuahua, La Paz, Mazatlan": "Mountain Standard Time (Mexico)",
    "(UTC-07:00) Mountain Time (US & Canada)": "Mountain Standard Time",
    "(UTC-07:00) Yukon": "Yukon Standard Time",
    "(UTC-06:00) Central America": "Central America Standard Time",
    "(UTC-06:00) Central Time (US & Canada)": "Central Standard Time",
    "(UTC-06:00) Guadalajara, Mexico City, Monterrey": "Central Standard Time (Mexico)",
    "(UTC-06:00) Saskatchewan": "Canada Central Standard Time",
    "(UTC-05:00) Bogota, Lima, Quito, Rio Branco": "SA Pacific Standard Time",
    "(UTC-05:00) Chetumal": "Eastern Standard Time (Mexico)",
    "(UTC-05:00) Eastern Time (US & Canada)": "Eastern Standard Time",
    "(UTC-05:00) Indiana (East)": "US Eastern Standard Time",
    "(UTC-04:00) Atlantic Time (Canada)": "Atlantic Standard Time",
    "(UTC-04:00) Caracas": "Venezuela Standard Time",
    "(UTC-04:00) Georgetown, La Paz, Manaus, San Juan": "SA Western Standard Time",
    "(UTC-04:00) Asuncion": "Paraguay Standard Time",
    "(UTC-04:00) Cuiaba": "Central Brazilian Standard Time",
    "(UTC-04:00) Santiago": "Pacific SA Standard Time",
    "(UTC-03:30) Newfoundland": "Newfoundland Standard Time",
    "(UTC-03:00) Brasilia": "E. South America Standard Time",
    "(UTC-03:00) City of Buenos Aires": "Argentina Standard Time",
    "(UTC-03:00) Buenos Aires": "Argentina Standard Time",
    "(UTC-03:00) Cayenne, Fortaleza": "SA Eastern Standard Time",
    "(UTC-03:00) Montevideo": "Montevideo Standard Time",
    "(UTC-03:00) Punta Arenas": "Magallanes Standard Time",
    "(UTC-03:00) Salvador": "Bahia Standard Time",
    "(UTC-02:00) Coordinated Universal Time-02": "UTC-02",
    "(UTC-02:00) Mid-Atlantic - Old": "Mid-Atlantic Standard Time",
    "(UTC-01:00) Azores": "Azores Standard Time",
    "(UTC-01:00) Cabo Verde Is.": "Cape Verde Standard Time",
    "(UTC) Coordinated Universal Time": "UTC",
    "(UTC+00:00) Dublin, Edinburgh, Lisbon, London": "GMT Standard Time",
    "(UTC+00:00) Monrovia, Reykjavik": "Greenwich Standard Time",
    "(UTC+01:00) Casablanca": "Morocco Standard Time",
    "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna": "W. Europe Standard Time",
    "(UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague": "Central Europe Standard Time",
    "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris": "Romance Standard Time",
    "(UTC+01:00) Sarajevo, Skopje, Warsaw, Zagreb": "Central European Standard Time",
    "(UTC+01:00) West Central Africa": "W. Central Africa Standard Time",
    "(UTC+02:00) Athens, Bucharest": "GTB Standard Time",
    "(UTC+02:00) Beirut": "Middle East Standard Time",
    "(UTC+02:00) Cairo": "Egypt Standard Time",
    "(UTC+02:00) Chisinau": "E. Europe Standard Time",
    "(UTC+02:00) Harare, Pretoria": "South Africa Standard Time",
    "(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius": "FLE Standard Time",
    "(UTC+02:00) Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius": "FLE Standard Time",
    "(UTC+02:00) Jerusalem": "Israel Standard Time",
    "(UTC+02:00) Kaliningrad": "Kaliningrad Standard Time",
    "(UTC+02:00) Windhoek": "Namibia Standard Time",
    "(UTC+03:00) Amman": "Jordan Standard Time",
    "(UTC+03:00) Baghdad": "Arabic Standard Time",
    "(UTC+03:00) Istanbul": "Turkey Standard Time",
    "(UTC+03:00) Kuwait, Riyadh": "Arab Standard Time",
    "(UTC+03:00) Minsk": "Belarus Standard Time",
    "(UTC+03:00) Moscow, St. Petersburg": "Russian Standard Time",
    "(UTC+03:00) Nairobi": "E. Africa Standard Time",
    "(UTC+03:30) Tehran": "Iran Standard Time",
    "(UTC+04:00) Abu Dhabi, Muscat": "Arabian Standard Time",
    "(UTC+04:00) Baku": "Azerbaijan Standard Time",
    "(UTC+04:00) Port Louis": "Mauritius Standard Time",
    "(UTC+04:00) Tbilisi": "Georgian Standard Time",
    "(UTC+04:00) Yerevan": "Caucasus Standard Time",
    "(UTC+04:30) Kabul": "Afghanistan Standard Time",
    "(UTC+05:00) Ashgabat, Tashkent": "West Asia Standard Time",
    "(UTC+05:00) Ekaterinburg": "Ekaterinburg Standard Time",
    "(UTC+05:00) Islamabad, Karachi": "Pakistan Standard Time",
    "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi": "India Standard Time",
    "(UTC+05:30) Sri Jayawardenepura": "Sri Lanka Standard Time",
    "(UTC+05:45) Kathmandu": "Nepal Standard Time",
    "(UTC+06:00) Dhaka": "Bangladesh Standard Time",
    "(UTC+06:00) Omsk": "Omsk Standard Time",
    "(UTC+06:30) Yangon (Rangoon)": "Myanmar Standard Time",
    "(UTC+07:00) Bangkok, Hanoi, Jakarta": "SE Asia Standard Time",
    "(UTC+07:00) Krasnoyarsk": "North Asia Standard Time",
    "(UTC+07:00) Novosibirsk": "N. Central Asia Standard Time",
    "(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi": "China Standard Time",
    "(UTC+08:00) Irkutsk": "North Asia East Standard Time",
    "(UTC+08:00) Kuala Lumpur, Singapore": "Singapore Standard Time",
    "(UTC+08:00) Perth": "W. Australia Standard Time",
    "(UTC+08:00) Taipei": "Taipei Standard Time",
    "(UTC+08:00) Ulaanbaatar": "Ulaanbaatar Standard Time",
    "(UTC+09:00) Osaka, Sapporo, Tokyo": "Tokyo Standard Time",
    "(UTC+09:00) Seoul": "Korea Standard Time",
    "(UTC+09:00) Yakutsk": "Yakutsk Standard Time",
    "(UTC+09:30) Adelaide": "Cen. Australia Standard Time",
    "(UTC+09:30) Darwin": "AUS Central Standard Time",
    "(UTC+10:00) Brisbane": "E. Australia Standard Time",
    "(UTC+10:00) Canberra, Melbourne, Sydney": "AUS Eastern Standard Time",
    "(UTC+10:00) Guam, Port Moresby": "West Pacific Standard Time",
    "(UTC+10:00) Hobart": "Tasmania Standard Time",
    "(UTC+10:00) Vladivostok": "Vladivostok Standard Time",
    "(UTC+11:00) Magadan": "Magadan Standard Time",
    "(UTC+11:00) Solomon Is., New Caledonia": "Central Pacific Standard Time",
    "(UTC+12:00) Anadyr, Petropavlovsk-Kamchatsky": "Russia Time Zone 11",
    "(UTC+12:00) Petropavlovsk-Kamchatsky - Old": "Kamchatka Standard Time",
    "(UTC+12:00) Auckland, Wellington": "New Zealand Standard Time",
    "(UTC+12:00) Fiji": "Fiji Standard Time",
    "(UTC+13:00) Nuku'alofa": "Tonga Standard Time",
    "(UTC+13:00) Samoa": "Samoa Standard Time",
    "(UTC+14:00) Kiritimati Island": "Line Islands Standard Time",
}
MAX_NAME = 200  # longer than any display name: a longer TZID is no zone's
_DISPLAY = re.compile(
    r"\(\s*(?:UTC|GMT)\s*(?:([+\-\u2212])\s*([0-9]{1,2})(?::?([0-9]{2}))?)?\s*\)(.*)",
    re.IGNORECASE | re.DOTALL | re.ASCII,
)
_CITY_BREAK = re.compile(r"[,:]")
_EARLIEST, _LATEST = timedelta(hours=-12), timedelta(hours=14)  # the offsets the world uses


def _parts(name: str) -> tuple[timedelta, tuple[str, ...]] | None:
    """The offset a display name shows and its cities (without case or extra spaces), or
    None when ``name`` is not one."""
    if len(name) > MAX_NAME:
        return None
    found = _DISPLAY.fullmatch(name.strip())
    if found is None:
        return None
    sign, hours, minutes, rest = found.groups()
    if minutes is not None and int(minutes) >= 60:
        return None
    offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    offset = -offset if sign in ("-", "\u2212") else offset
    if not _EARLIEST <= offset <= _LATEST:
        return None
    cities = tuple(" ".join(part.split()).casefold() for part in _CITY_BREAK.split(rest) if part.strip())
    return offset, cities


def _indexes() -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
    """(cities -> Windows name, one city -> Windows name), the second without the cities
    that two zones list."""
    by_cities: dict[tuple[str, ...], str] = {}
    by_city: dict[str, str] = {}
    shared: set[str] = set()
    for display, windows in DISPLAY_NAMES.items():
        parts = _parts(display)
        if parts is None:  # a fault in the table above, which a test keeps out
            continue
        by_cities[parts[1]] = windows
        for city in parts[1]:
            if by_city.setdefault(city, windows) != windows:
                shared.add(city)
    return by_cities, {city: windows for city, windows in by_city.items() if city not in shared}


_BY_CITIES, _BY_CITY = _indexes()


def display_windows_name(name: str) -> tuple[str, timedelta] | None:
    """(the Windows zone a display name means, the offset it shows), or None when it is no
    display name or its cities name no one zone."""
    parts = _parts(name)
    if parts is None:
        return None
    offset, cities = parts
    known = _BY_CITIES.get(cities)
    if known is None:
        zones = {_BY_CITY[city] for city in cities if city in _BY_CITY}
        known = zones.pop() if len(zones) == 1 else None
    return (known, offset) if known is not None else None


def display_offset(name: str) -> timezone | None:
    """The fixed offset a display name shows ("(UTC+01:00) ..." is UTC+01:00), or None."""
    parts = _parts(name)
    if parts is None:
        return None
    offset = parts[0]
    minutes = abs(offset) // timedelta(minutes=1)
    sign = "-" if offset < timedelta(0) else "+"
    return timezone(offset, f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}")
