"""Reader pages read the breaking-news banner from the page cache's store, filled once per
purge or expiry (``fronts.banners``), not once per page. A test that counts one page's
queries starts with it filled, as every page but the first after a change does."""

from fronts import banners


class BannerAlreadyRead:
    def setUp(self):
        super().setUp()
        banners.live()
