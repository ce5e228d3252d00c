"""Registers the connectors that ship with PixisSync."""

from __future__ import annotations

from typing import Any

from pixissync.connectors import Connector, register


def _servicetrade(**settings: Any) -> Connector:
    from pixissync.connectors.servicetrade import ServiceTradeConnector

    return ServiceTradeConnector(**settings)


register("servicetrade", _servicetrade)


def _vista(**settings: Any) -> Connector:
    from pixissync.connectors.vista.connector import vista_connector

    return vista_connector(**settings)


register("vista", _vista)


def _acumatica(**settings: Any) -> Connector:
    from pixissync.connectors.acumatica import AcumaticaConnector

    return AcumaticaConnector(**settings)


register("acumatica", _acumatica)


def _files(**settings: Any) -> Connector:
    from pixissync.connectors.files import FilesConnector

    return FilesConnector(**settings)


register("files", _files)


def _sage100c(**settings: Any) -> Connector:
    from pixissync.connectors.sage100c.connector import Sage100cConnector

    return Sage100cConnector(**settings)


register("sage100c", _sage100c)


def _rhumbix(**settings: Any) -> Connector:
    from pixissync.connectors.rhumbix import RhumbixConnector

    return RhumbixConnector(**settings)


register("rhumbix", _rhumbix)


def _buildops(**settings: Any) -> Connector:
    from pixissync.connectors.buildops import BuildOpsConnector

    return BuildOpsConnector(**settings)


register("buildops", _buildops)


def _sage300cre(**settings: Any) -> Connector:
    from pixissync.connectors.sage300cre.connector import sage300_connector

    return sage300_connector(**settings)


register("sage300cre", _sage300cre)
