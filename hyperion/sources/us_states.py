"""The 50 US states and the District of Columbia with their 2020 Census resident populations.

Source: U.S. Census Bureau, 2020 Census Apportionment Results and P.L. 94-171 redistricting data,
"Resident Population for the 50 States, the District of Columbia, and Puerto Rico: 2020 Census"
(table released 2021-04-26, https://www.census.gov/data/tables/2020/dec/2020-apportionment-data.html).
The 51 figures below sum to 331,449,281, the official 2020 resident population of the United States.
Puerto Rico is left out: domestic box office covers the 50 states and DC here.
"""

from __future__ import annotations

from typing import NamedTuple


class UsState(NamedTuple):
    """One state (or DC): USPS code, name and 2020 Census resident population."""

    code: str
    name: str
    population_2020: int


US_STATES: tuple[UsState, ...] = (
    UsState("AL", "Alabama", 5_024_279),
    UsState("AK", "Alaska", 733_391),
    UsState("AZ", "Arizona", 7_151_502),
    UsState("AR", "Arkansas", 3_011_524),
    UsState("CA", "California", 39_538_223),
    UsState("CO", "Colorado", 5_773_714),
    UsState("CT", "Connecticut", 3_605_944),
    UsState("DE", "Delaware", 989_948),
    UsState("DC", "District of Columbia", 689_545),
    UsState("FL", "Florida", 21_538_187),
    UsState("GA", "Georgia", 10_711_908),
    UsState("HI", "Hawaii", 1_455_271),
    UsState("ID", "Idaho", 1_839_106),
    UsState("IL", "Illinois", 12_812_508),
    UsState("IN", "Indiana", 6_785_528),
    UsState("IA", "Iowa", 3_190_369),
    UsState("KS", "Kansas", 2_937_880),
    UsState("KY", "Kentucky", 4_505_836),
    UsState("LA", "Louisiana", 4_657_757),
    UsState("ME", "Maine", 1_362_359),
    UsState("MD", "Maryland", 6_177_224),
    UsState("MA", "Massachusetts", 7_029_917),
    UsState("MI", "Michigan", 10_077_331),
    UsState("MN", "Minnesota", 5_706_494),
    UsState("MS", "Mississippi", 2_961_279),
    UsState("MO", "Missouri", 6_154_913),
    UsState("MT", "Montana", 1_084_225),
    UsState("NE", "Nebraska", 1_961_504),
    UsState("NV", "Nevada", 3_104_614),
    UsState("NH", "New Hampshire", 1_377_529),
    UsState("NJ", "New Jersey", 9_288_994),
    UsState("NM", "New Mexico", 2_117_522),
    UsState("NY", "New York", 20_201_249),
    UsState("NC", "North Carolina", 10_439_388),
    UsState("ND", "North Dakota", 779_094),
    UsState("OH", "Ohio", 11_799_448),
    UsState("OK", "Oklahoma", 3_959_353),
    UsState("OR", "Oregon", 4_237_256),
    UsState("PA", "Pennsylvania", 13_002_700),
    UsState("RI", "Rhode Island", 1_097_379),
    UsState("SC", "South Carolina", 5_118_425),
    UsState("SD", "South Dakota", 886_667),
    UsState("TN", "Tennessee", 6_910_840),
    UsState("TX", "Texas", 29_145_505),
    UsState("UT", "Utah", 3_271_616),
    UsState("VT", "Vermont", 643_077),
    UsState("VA", "Virginia", 8_631_393),
    UsState("WA", "Washington", 7_705_281),
    UsState("WV", "West Virginia", 1_793_716),
    UsState("WI", "Wisconsin", 5_893_718),
    UsState("WY", "Wyoming", 576_851),
)

US_STATE_CODES: tuple[str, ...] = tuple(state.code for state in US_STATES)

US_TOTAL_POPULATION_2020: int = sum(state.population_2020 for state in US_STATES)
