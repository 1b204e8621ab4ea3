"""The seed tables (/work/shared/seeds, digested in DOMAIN.md) as data: figures as printed.

Printed percentages are kept only to compare with what Loket computes from the figures; where a
seed's printed percentage disagrees with its own figures, the figures win (see PRINTED_WRONG).
"""

# 000 Balikpapan, Tabel 1: KTP-el issued and GoSend courier users (2020 from July).
BALIKPAPAN = {  # year → (first month, cards issued, courier users)
    2020: (7, 48_238, 1_368),
    2021: (1, 92_560, 4_208),
    2022: (1, 77_249, 5_318),
}

# 001 Nunukan: people applying for a KTP per semester, from its 21 kecamatan.
NUNUKAN_REGENCY = "6503"
NUNUKAN = {"2020-1": 10_160, "2020-2": 16_990, "2021-1": 12_158, "2021-2": 9_923}

# 002 Kota Gorontalo, 2020 (SIAK): document, target (must own), owned, printed percentage.
GORONTALO_REGENCY = "7571"
GORONTALO = [
    ("KTP", 143_315, 137_101, "95.66"),
    ("KK", 61_549, 34_332, "55.72"),
    ("AKL", 65_514, 65_388, "99.80"),
]

# 004 Kabupaten Tangerang, Tabel 1 (DKB semester II 2020): KIA per kecamatan by sex, children
# 0-17: (kecamatan code, printed name, eligible L, eligible P, owned L, owned P, printed %).
TANGERANG_REGENCY = "3603"
TANGERANG_KIA_2020 = [
    ("360301", "BALARAJA", 18_326, 16_803, 5_005, 4_547, "27.19"),
    ("360302", "JAYANTI", 10_168, 9_466, 2_122, 1_977, "20.88"),
    ("360303", "TIGARAKSA", 24_270, 23_004, 9_712, 9_666, "40.99"),
    ("360304", "JAMBE", 8_274, 7_555, 2_430, 2_279, "29.75"),
    ("360305", "CISOKA", 14_085, 13_270, 3_461, 3_272, "24.61"),
    ("360306", "KRESEK", 10_018, 9_370, 2_089, 1_990, "21.04"),
    ("360307", "KRONJO", 8_877, 8_220, 1_528, 1_504, "17.73"),
    ("360308", "MAUK", 13_039, 12_265, 3_050, 2_907, "23.54"),
    ("360309", "KEMIRI", 7_532, 7_015, 1_491, 1_362, "19.61"),
    ("360310", "SUKADIRI", 9_209, 8_558, 2_395, 2_300, "26.43"),
    ("360311", "RAJEG", 25_502, 23_576, 3_294, 3_001, "12.83"),
    ("360312", "PASAR KEMIS", 36_074, 33_806, 6_417, 6_192, "18.04"),
    ("360313", "TELUKNAGA", 23_792, 22_072, 630, 562, "2.60"),
    ("360314", "KOSAMBI", 15_665, 14_376, 353, 347, "2.33"),
    ("360315", "PAKUHAJI", 17_451, 16_265, 801, 718, "4.51"),
    ("360316", "SEPATAN", 16_382, 15_017, 1_410, 1_350, "8.79"),
    ("360317", "CURUG", 23_902, 22_356, 2_392, 2_358, "10.27"),
    ("360318", "CIKUPA", 30_991, 29_052, 5_976, 6_150, "20.20"),
    ("360319", "PANONGAN", 19_638, 17_802, 2_522, 2_541, "13.52"),
    ("360320", "LEGOK", 19_261, 17_924, 1_908, 1_830, "10.05"),
    ("360322", "PAGEDANGAN", 14_992, 13_958, 2_028, 2_108, "14.29"),
    ("360323", "CISAUK", 13_001, 12_291, 2_655, 2_623, "20.87"),
    ("360327", "SUKAMULYA", 10_239, 9_642, 734, 751, "7.47"),
    ("360328", "KELAPA DUA", 20_684, 19_315, 3_631, 3_643, "18.19"),
    ("360329", "SINDANG JAYA", 14_034, 13_471, 1_254, 1_245, "9.09"),
    ("360330", "SEPATAN TIMU", 15_147, 13_870, 1_001, 885, "6.50"),  # Sepatan Timur
    ("360331", "SOLEAR", 13_980, 12_674, 2_116, 2_094, "15.80"),
    ("360332", "GUNUNG KALE", 7_493, 7_067, 107, 114, "1.52"),  # Gunung Kaler
    ("360333", "MEKAR BARU", 6_364, 5_704, 508, 522, "8.53"),
]
TANGERANG_KIA_2020_TOTAL = "15.91"  # printed, and what the rows above give

# 004 Tabel 3: KIA for the whole kabupaten per semester: (year, semester, must own, own,
# do not own, printed %).
TANGERANG_KIA_TREND = [
    (2019, 2, 920_419, 134_516, 785_903, "14.45"),
    (2020, 1, 934_210, 201_439, 732_771, "23.01"),
    (2020, 2, 926_313, 143_858, 782_455, "15.53"),
    (2021, 1, 965_526, 817_095, 148_431, "84.63"),
    (2021, 2, 904_154, 281_888, 622_266, "31.18"),
    (2022, 1, 945_187, 288_841, 656_346, "30.56"),
    (2022, 2, 913_290, 376_302, 536_988, "41.20"),
]
# 004 Tabel 4 and text: KIA target 41 % for 2022 (met: 41.20), 90 % for 2023 (renstra).
TANGERANG_KIA_TARGETS = {2022: "41", 2023: "90"}

# Printed percentages their own figures contradict: (seed, row) → what the figures give.
PRINTED_WRONG = {
    ("002", "KK"): "55.78",  # printed 55.72 in the table (and 55.70 in the text)
    ("002", "AKL"): "99.81",  # printed 99.80 (65,388 / 65,514 = 99.8077 %)
    ("004", "2019-2"): "14.61",  # printed 14.45 (134,516 / 920,419)
    ("004", "2020-1"): "21.56",  # printed 23.01 (201,439 / 934,210)
}
