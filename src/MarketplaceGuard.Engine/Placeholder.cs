namespace MarketplaceGuard.Engine; public static class Placeholder {}
