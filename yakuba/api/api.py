from ninja import NinjaAPI

api = NinjaAPI(title="Yakuba API", version="1", docs_url=None, urls_namespace="api")
