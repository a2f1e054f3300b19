"""erpsync: keeps a Sage 100 ERP and a B2B commerce/CRM platform in step."""

__version__ = "0.1.0"
