namespace MarketplaceGuard.Aws; public static class Placeholder {}
