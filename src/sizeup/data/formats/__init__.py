"""Parsers of the real file formats of sizeup's data sources.

Every parser is a pure function ``parse_xxx(data: bytes, *, name: str, ...)`` that takes the
raw bytes of one file or HTTP body and returns frames validated against the table contracts of
:mod:`sizeup.data.schema`. They never touch the disk or the network, so the importers
(:mod:`sizeup.data.ingest`, local files) and the providers (HTTP bodies) share them. A body that
is not in the expected format raises :class:`~sizeup.errors.ImportFormatError` naming the
input, the line and what was expected; no other exception escapes a parser.

Modules
-------
detect
    Content sniffing: which format a body is in, from its first bytes (never the file name).
prices
    Yahoo CSV (raw and auto-adjusted, any column order, the yfinance 3-row header), Stooq CSV,
    close-only files, the wide date x ticker matrix, the Alpha Vantage long OHLCV file.
fred
    fredgraph CSV (both header generations) and ``Date,Value`` copies.
french
    Kenneth French data library CSVs (factors and size portfolios).
ishares
    iShares fund holdings CSVs (current layout with preamble and the older CUSIP layout).
sec, simfin
    SEC company tickers / XBRL companyfacts JSON and SimFin bulk CSV (fundamentals).
"""
