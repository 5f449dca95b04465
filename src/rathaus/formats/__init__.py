"""Date formats per language where Django's own do not fit (FORMAT_MODULE_PATH): English pages
write dates as in Britain ("Monday, 7 December 2026, 14:30"), day first, on a 24-hour clock."""
