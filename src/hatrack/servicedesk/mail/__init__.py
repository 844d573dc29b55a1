"""Mail into and out of the service desk: parsing, intake, IMAP polling, SMTP notices."""
