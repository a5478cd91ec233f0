export * from "./common";
export * from "./photo";
export * from "./task";
export * from "./vision";
export * from "./analysis";
export * from "./budget";
export * from "./people";
export * from "./maintenance";
