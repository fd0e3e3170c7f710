namespace MarketplaceGuard.Cmdlets; public static class Placeholder {}
