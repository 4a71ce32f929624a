"""The output layer: files MotCua writes for people (XLSX and CSV here, PDFs in printing/), each written
whole or not at all (files.write_through_temp). models/ stays pure: no file is written there."""
